"""Every figure gankit draws, on one matplotlib set-up (`figure.pyplot`): loss curves, grids,
heat-maps, seed figures and classifier plots."""
