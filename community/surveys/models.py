"""(being written: issue 15)"""
