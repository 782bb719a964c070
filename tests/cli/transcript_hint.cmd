annotate tests/cli/data/interviews.txt --lang en --format tsv
