from community.entrypoints.cli import main

main()
