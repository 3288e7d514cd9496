/* examples/brainfuck/programs/bench.b translated to C statement by statement, as a
 * brainfuck-to-C compiler would write it (runs of +/- and </> merged, as the interpreter's
 * parser merges them). Each cell is an unsigned byte that wraps; the head never leaves the
 * tape in this program, so there is no bounds check. Build: cc -O2 -o bf brainfuck_bench.c
 *
 * KEEP_LOOPS=1 (cc -O2 -DKEEP_LOOPS=1) hides the cell's value from the optimizer at each
 * iteration of the innermost `[-]` with an empty asm statement, so the C compiler cannot
 * replace that loop by `cell = 0`: a floor for "one decrement, test and store per iteration". */
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
                while (tape[p]) {
                    tape[p] -= 1;
#if KEEP_LOOPS
                    __asm__ volatile("" : : "r"(&tape[p]) : "memory");
#endif
                }
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
