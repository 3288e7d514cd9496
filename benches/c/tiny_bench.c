/* examples/tiny/programs/bench.tiny in C, written as a C programmer would: the pair is a
 * struct value (its first field an integer, its second a float, as in the Tiny program),
 * integers are 64-bit, and the output has the same two lines (the float printed with enough
 * digits to round-trip; toy_bench.py compares the numbers, not the text).
 * Build: cc -O2 -o tiny_bench tiny_bench.c */
#include <stdint.h>
#include <stdio.h>

struct pair {
    int64_t a;
    double b;
};

static int64_t step(int64_t x, int64_t k) { return (x * 7 + k) % 1000003; }

static double norm(struct pair p) { return (double)(p.a * p.a) + p.b * p.b; }

int main(void) {
    int64_t i = 0, acc = 0;
    double f = 0.0;
    while (i < 3000000) {
        acc = step(acc, i);
        struct pair p = {i % 10, 0.5};
        f = f + norm(p) * 0.001;
        i = i + 1;
    }
    printf("%lld\n%.17g\n", (long long)acc, f);
    return 0;
}
