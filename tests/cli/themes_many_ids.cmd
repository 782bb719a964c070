annotate tests/cli/data/many_themes.tsv --lang en --no-default-codebook --codebook tests/cli/data/many_themes.codebook -q
