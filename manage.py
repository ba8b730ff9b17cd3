#!/usr/bin/env python
"""Same as the `huiguang` console command."""
import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
    from huiguang.config.cli import main

    main()
