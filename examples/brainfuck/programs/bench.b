Nested counting loops: prints one letter per outer iteration, the inner loops spin.
++++++++[>++++++++<-]>+          cell1 = 65 'A'
>++++++++++++++++++++++++++      cell2 = 26 letters
[
  <.+>                           print letter and advance
  >++++++++++++++++++++++++++++++++++++++++++++++++++  cell3 = 50
  [>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
    [>+++++[-]<-]<-]           spin
  <-
]
++++++++++.
