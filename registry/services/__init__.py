"""Every write to the registry, one module per concept (import from the module that owns it; this
package re-exports nothing):

phase.py        the one locked "is this agency open" guard; adding an agency to a period
records.py      the agency's writes to one worker record: register, edit, release; hard errors
flags.py        applying the eligibility and possible-duplicate rules to records
constraints.py  the one table of constraint messages; saving without a raw database error
transitions.py  moving records along the state machine (one record; finalisation's set-based moves)
worker_data.py  the worker's own edits: data completion, work history, documents, submission
imports/        the XLSX import (agency side)
exports.py, contacts.py, counts.py, memos.py  exports, contact details, the tally, page memos
"""
