tokenize --format tsv tests/cli/data/tok_multi.txt
