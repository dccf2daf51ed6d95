# interop messages (en). Keep the same keys in both languages.

## Calendar import and export
interop-nav = Import and export
interop-import-title = Calendar import and export
interop-imported = { $count ->
    [one] One entry imported.
   *[other] { $count } entries imported.
}
interop-error-no-file = Choose a CSV file to import.
interop-error-nothing-valid = No valid row: nothing was imported.
interop-error-rows-wrong = { $count ->
    [one] One row has errors: nothing was imported. Fix the file, or tick "import only the valid rows".
   *[other] { $count } rows have errors: nothing was imported. Fix the file, or tick "import only the valid rows".
}
error-interop-format-invalid = Unknown export format: "csv" or "ics".
interop-export-title = Export
interop-export-csv = Download the calendar as CSV (spreadsheet)
interop-export-ics = Download the calendar as iCalendar (.ics)
interop-upload-title = Import a CSV file
interop-upload-help = UTF-8 (with or without BOM) or Windows-1252 (Excel), ";" or "," as separator, dates as 2025-10-06T09:30 or 06/10/2025 09:30. A preview shows every row and its errors before anything is imported.
interop-file-label = CSV file
interop-preview = Check the file
interop-preview-title = Import preview
interop-rows-valid = { $count ->
    [0] No valid row.
    [one] One valid row.
   *[other] { $count } valid rows.
}
interop-rows-invalid = { $count ->
    [0] No row with errors.
    [one] One row with errors.
   *[other] { $count } rows with errors.
}
interop-preview-caption = Every row of the file and its outcome
interop-col-line = Line
interop-col-title = Title
interop-col-date = Date
interop-col-outcome = Outcome
interop-row-ok = Valid
interop-row-errors = { $count ->
    [one] One error:
   *[other] { $count } errors:
}
interop-error-at = line { $line }
interop-error-column = column "{ $column }"
interop-all-or-nothing = The import is all or nothing: while any row has errors, nothing is imported.
interop-valid-only = { $count ->
    [one] Import only the valid row (rows with errors are skipped)
   *[other] Import only the { $count } valid rows (rows with errors are skipped)
}
interop-confirm = { $count ->
    [one] Import
   *[other] Import
}

## Secret iCalendar feed
feed-nav = iCalendar feed
feed-title = Secret iCalendar feed
feed-help = A secret address to open the calendar in Thunderbird, Google Calendar or Outlook. Anyone with the address sees the calendar: share it only with the right people, and revoke it if it leaked.
feed-created = Here is the feed's address. Copy it now: it will not be shown again.
feed-url-label = Feed address
feed-active-since = A feed has been active since { $date }.
feed-regenerate = Create a new address (the old one stops working)
feed-revoke = Revoke the feed
feed-revoked = The feed is revoked: its address no longer works.
feed-none = No feed is active.
feed-create = Create the feed address

## Observances
observance-nav = Key dates
observance-title = Key dates
observance-added = { $count ->
    [0] No date added.
    [one] One date added.
   *[other] { $count } dates added.
}
observance-deleted = Date deleted.
observance-error-date = Enter a valid date (YYYY-MM-DD).
observance-error-ics = This file is not a readable iCalendar (.ics) file.
observance-error-empty = This file holds no dates.
observance-help = The days and events that matter to the brand show on the calendar, with public holidays.
observance-count = { $count ->
    [0] No key dates
    [one] One key date
   *[other] { $count } key dates
}
observance-col-date = Date
observance-col-label = Label
observance-col-source = Source
observance-source-ics = .ics file
observance-source-manual = Typed in
observance-delete = Delete
observance-delete-label = Delete "{ $label }"
observance-add-title = Add a date
observance-field-date = Date
observance-field-label = Label
observance-add = Add
observance-import-title = Import an .ics file
observance-file-label = iCalendar file (.ics)
observance-import = Import the dates
error-observance-ics = This is not a readable iCalendar (.ics) file, or it holds no dates.
error-api-date-invalid = Invalid date: YYYY-MM-DD or an RFC 3339 instant.
