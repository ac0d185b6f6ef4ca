"""The entry-by-entry method of the notes' first page: index notation, derivatives with
respect to one entry, Kronecker deltas, and the matrix of partial derivatives."""
