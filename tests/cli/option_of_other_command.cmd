discover corpora/en/survey.csv --by channel
