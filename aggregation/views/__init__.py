"""Regional and national views: gmina snapshots rolled up per voivodeship and nation."""
