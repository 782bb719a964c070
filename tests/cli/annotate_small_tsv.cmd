annotate tests/cli/data/small.csv --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook --format tsv -q
