from eksguard.cli import main

main()
