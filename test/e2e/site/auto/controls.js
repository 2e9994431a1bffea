window.Trodo.init({ disabledPaths: ['/auto/private'], disabledEvents: ['page_scroll'] });
