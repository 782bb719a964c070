annotate tests/cli/data/banking.tsv --lang-col lang -q --format tsv
