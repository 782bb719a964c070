analyze tests/cli/data/pairs.csv --score nps --score-type nps --lang en --format table -q
