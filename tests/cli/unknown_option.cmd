analyze --frob x.csv
