/* examples/vec2/bench/orbit.v2 in C, as a C programmer writes it: the vectors are pairs of
 * doubles in locals, each guest operation one C expression in the guest's order of float
 * operations (the dot product x*x + y*y, then 1/dot, the negated vector times it, ...), so
 * the printed numbers are bit for bit the guest's. Floats print in the shortest form that
 * reads back to the same double, as the guest prints them. Build: cc -O2 -o orbit vec2_orbit.c
 *
 * The loop is one chain of dependent float operations per iteration (a division among
 * them): what bounds it is latency, not the number of instructions. */
#include <stdio.h>
#include <stdlib.h>

static void show(double x) {
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    fputs(buf, stdout);
}

static void show_vec(double x, double y) {
    fputs("vec(", stdout);
    show(x);
    fputs(", ", stdout);
    show(y);
    fputs(")\n", stdout);
}

int main(void) {
    double px = 1.0, py = 0.0, vx = 0.0, vy = 1.0, cx = 0.0, cy = 0.0;
    double dt = 0.0001;
    for (long i = 0; i < 2000000; i++) {
        double k = 1.0 / (px * px + py * py);
        double ax = -px * k, ay = -py * k;
        vx = vx + ax * dt;
        vy = vy + ay * dt;
        px = px + vx * dt;
        py = py + vy * dt;
        cx = cx + px * dt;
        cy = cy + py * dt;
    }
    show_vec(px, py);
    show_vec(cx, cy);
    show(px * px + py * py);
    fputs("\n", stdout);
    return 0;
}
