from beta_lint.cli import main

main(prog_name="beta-lint")
