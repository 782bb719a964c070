annotate tests/cli/data/small.txt --lang en --no-default-codebook --codebook tests/cli/data/mini.codebook -q
