"""Forms to create and edit records of every kind (``RecordForm``) and how screens open them."""
