annotate tests/cli/data/travel5.tsv --lang-col lang -q --format tsv
