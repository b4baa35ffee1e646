// GOV.UK Frontend's components only add polish (skip link focus, notification banners);
// every page works without this file.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

initAll();
