"""Output sets: the files of a join or a comparison, written as a whole."""
