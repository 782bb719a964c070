analyze tests/cli/data/questions.csv --text liked --text improve --score nps --score-type nps --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format json -q
