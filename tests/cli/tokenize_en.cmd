tokenize --lang en tests/cli/data/tok_en.txt
