import { backend } from '../../src/index.js'; console.log(backend());
