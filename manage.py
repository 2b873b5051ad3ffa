#!/usr/bin/env python
"""Django's manage.py; the installed ``civicstat`` command does the same."""

from civicstat.__main__ import main

if __name__ == "__main__":
    main()
