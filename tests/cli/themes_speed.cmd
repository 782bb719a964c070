annotate tests/cli/data/speed.tsv --lang-col lang -q
