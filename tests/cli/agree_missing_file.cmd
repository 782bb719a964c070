agree tests/cli/data/nope.csv --codes codes -q
