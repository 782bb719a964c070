analyze tests/cli/data/questions.csv --text liked --text improve --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format table -q
