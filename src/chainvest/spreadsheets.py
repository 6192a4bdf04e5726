"""What every workbook the platform writes shares (xlsxwriter options).

A cell text beginning with = + - @ is written as text: xlsxwriter would otherwise turn
"=HYPERLINK(...)" from an imported enterprise name into a live formula in a leader's Excel
(CSV/formula injection), and "http://..." into a link.
"""

SAFE_STRINGS = {"strings_to_formulas": False, "strings_to_urls": False}
