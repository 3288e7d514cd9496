"""Exact linear algebra with fractions: Gaussian elimination, inverse, determinant."""
from dataclasses import dataclass
from fractions import Fraction
from typing import List, Sequence

Row = List[Fraction]


@dataclass
class Matrix:
    rows: List[Row]

    @classmethod
    def of(cls, data: Sequence[Sequence]) -> "Matrix":
        return cls([[Fraction(x) for x in row] for row in data])

    @classmethod
    def identity(cls, n: int) -> "Matrix":
        return cls([[Fraction(int(i == j)) for j in range(n)] for i in range(n)])

    @property
    def n(self) -> int:
        return len(self.rows)

    def __matmul__(self, other: "Matrix") -> "Matrix":
        cols = list(zip(*other.rows))
        return Matrix([[sum((a * b for a, b in zip(row, col)), Fraction(0)) for col in cols] for row in self.rows])

    def __str__(self) -> str:
        cells = [[str(x) for x in row] for row in self.rows]
        width = max(len(c) for row in cells for c in row)
        return "\n".join("[ " + " ".join(c.rjust(width) for c in row) + " ]" for row in cells)

    def determinant(self) -> Fraction:
        m = [row[:] for row in self.rows]
        det = Fraction(1)
        for col in range(self.n):
            pivot = next((r for r in range(col, self.n) if m[r][col] != 0), None)
            if pivot is None:
                return Fraction(0)
            if pivot != col:
                m[col], m[pivot] = m[pivot], m[col]
                det = -det
            det *= m[col][col]
            for r in range(col + 1, self.n):
                factor = m[r][col] / m[col][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[col])]
        return det

    def inverse(self) -> "Matrix":
        n = self.n
        aug = [row[:] + ident for row, ident in zip(self.rows, Matrix.identity(n).rows)]
        for col in range(n):
            pivot = next((r for r in range(col, n) if aug[r][col] != 0), None)
            if pivot is None:
                raise ZeroDivisionError("matrix is singular")
            aug[col], aug[pivot] = aug[pivot], aug[col]
            p = aug[col][col]
            aug[col] = [x / p for x in aug[col]]
            for r in range(n):
                if r != col and aug[r][col] != 0:
                    f = aug[r][col]
                    aug[r] = [a - f * b for a, b in zip(aug[r], aug[col])]
        return Matrix([row[n:] for row in aug])


def solve(a: Matrix, b: Sequence) -> List[Fraction]:
    inv = a.inverse()
    return [sum((x * Fraction(y) for x, y in zip(row, b)), Fraction(0)) for row in inv.rows]


A = Matrix.of([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]])
print(A)
print("det =", A.determinant())
inv = A.inverse()
print(inv)
print(A @ inv == Matrix.identity(3))
print("solution:", [str(x) for x in solve(A, [8, -11, -3])])
H = Matrix([[Fraction(1, i + j + 1) for j in range(4)] for i in range(4)])
print("Hilbert det =", H.determinant())
print(H.inverse())
print("check", all(x == int(i == j) for i, row in enumerate((H @ H.inverse()).rows) for j, x in enumerate(row)))
try:
    Matrix.of([[1, 2], [2, 4]]).inverse()
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
approx = [x.limit_denominator(10) for x in (Fraction(3.14159), Fraction(2.71828), Fraction(1.41421))]
print(approx, [float(x) for x in approx])
