import type { Initialize, Render } from "@anywidget/types";
import "./widget.css";

const initialize: Initialize = () => {};

const render: Render = ({ el }) => {
  el.classList.add("nbopt");
};

export default { initialize, render };
