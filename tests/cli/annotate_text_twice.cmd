annotate tests/cli/data/questions.csv --text liked --text liked -q
