package extract

// Version identifies what extraction produces. The corpus records it with
// every stored extraction, and `corpus rescore` re-reads only the documents
// extracted by another version: bump it whenever a change to any reader,
// the section builder or the text cleaning changes the document a source
// gives (not for changes that only make extraction faster).
//
// 3: PDF pages keep the running lines taken out of their text, and
// scanned PDFs are read by OCR (--ocr auto) where Tesseract is installed.
// 4: converted texts say what share of them was put back from columns
// (quality.column_share), and in PDFs with a text layer the pages drawn as
// an image of paper are read by OCR.
const Version = 4
