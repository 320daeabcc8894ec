/** Pictures as RGBA data (browser-safe): colormaps, overlays, labelled grids. PNG files: the node layer. */
export { blank, fromTensor, scale, overlay, toImageData, type RGBAImage } from './image.js';
export { colorize, viridis, diverging, COLORMAPS, type ColormapName, type ColorizeOptions } from './colormap.js';
export { grid, drawText, textWidth, type GridTile, type GridOptions } from './grid.js';
export { mapImage, mapsGrid, filterGrid, scatterPlot } from './views.js';
export { panels, PANEL_METHODS, type Panel, type PanelMethod, type Panels, type PanelsOptions } from './panels.js';
