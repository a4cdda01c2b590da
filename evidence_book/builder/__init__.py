"""The builder: knows sections, parameters, notebooks and Sphinx; knows nothing about reviews."""
