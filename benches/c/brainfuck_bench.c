/* examples/brainfuck/programs/bench.b translated to C statement by statement, as a
 * brainfuck-to-C compiler would write it (runs of +/- and </> merged, as the interpreter's
 * parser merges them). Each cell is an unsigned byte that wraps; the head never leaves the
 * tape in this program, so there is no bounds check. Build: cc -O2 -o bf brainfuck_bench.c
 *
 * gcc -O2 replaces the innermost `[-]` by `cell = 0` and then folds the counting loops around
 * it, so the plain build runs in about a millisecond. KEEP_LOOPS=1 (cc -O2 -DKEEP_LOOPS=1)
 * hides the cell's value from the optimizer at each iteration of `[-]` with an empty asm
 * statement on a register copy, so that loop really runs, one decrement and test per
 * iteration with the cell in a register: the floor for what a compiled `[-]` loop that
 * iterates can cost. */
#include <stdio.h>

#ifndef KEEP_LOOPS
#define KEEP_LOOPS 0
#endif

static unsigned char tape[30000];

int main(void) {
    unsigned long p = 0;
    tape[p] += 65;
    p += 2;
    tape[p] += 26;
    while (tape[p]) {
        p += 1;
        tape[p] += 250;
        while (tape[p]) {
            p += 1;
            tape[p] += 250;
            while (tape[p]) {
                p += 1;
                tape[p] += 60;
#if KEEP_LOOPS
                unsigned char c = tape[p];
                while (c) {
                    c -= 1;
                    __asm__ volatile("" : "+r"(c));
                    tape[p] = c;
                }
#else
                while (tape[p]) {
                    tape[p] -= 1;
                }
#endif
                p -= 1;
                tape[p] -= 1;
            }
            p -= 1;
            tape[p] -= 1;
        }
        p -= 3;
        putchar(tape[p]);
        tape[p] += 1;
        p += 2;
        tape[p] -= 1;
    }
    tape[p] += 10;
    putchar(tape[p]);
    return 0;
}
