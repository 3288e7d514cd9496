Prints a fixed text through ROT13 implemented with nested loops (no input needed)
>++++++++[<++++++++++>-]<+++.>+++[<+++++>-]<.>++++[<---->-]<-.
