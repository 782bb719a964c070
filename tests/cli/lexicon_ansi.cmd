annotate tests/cli/data/small.csv --lexicon sv:tests/cli/data/ansi_valence.tsv -q
