"""Present: results as pages, charts and the dataset, in every language."""
