"""Quarterly figures in from a spreadsheet: read the file, preview every row, then write it all
through the return services in one step, or nothing."""
