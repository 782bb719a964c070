analyze tests/cli/data/nordic.csv --text kommentar --score betyg --score-type rating --lang sv --no-default-codebook --codebook tests/cli/data/mini.codebook --format json -q
