annotate tests/cli/data/travel4.tsv --lang-col lang -q --format tsv
