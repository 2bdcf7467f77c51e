from matching.entrypoints.cli import main

main()
