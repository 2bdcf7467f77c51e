from membership.entrypoints.cli import main

main()
