annotate tests/cli/data/short_texts.tsv
