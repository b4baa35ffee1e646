"""Tools for working on the product, not part of it: the speed bench and the load tests."""
