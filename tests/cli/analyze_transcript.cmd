analyze tests/cli/data/interviews.txt --input-format transcript --lang en --score nps --score-type nps --format tsv
