// QualKit's domain types build on the diagnostics and element trees of QualKitXML.
@_exported import QualKitXML
