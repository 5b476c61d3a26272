"""``python -m calcdrill``: the same commands as the ``calcdrill`` console script."""

from calcdrill.cli import cli

if __name__ == "__main__":
    cli(prog_name="calcdrill")
